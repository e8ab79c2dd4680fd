"""The home page: one per role, honest when empty."""


def test_administrators_home_links_to_office_settings(cast, client_for):
    page = client_for(cast.amir).get("/").content.decode()
    assert 'href="/office/"' in page
    assert 'href="/office/"' not in client_for(cast.ada).get("/").content.decode()
