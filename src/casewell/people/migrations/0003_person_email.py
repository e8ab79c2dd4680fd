# allauth has an EmailAddress model too; a person's e-mail address is its own name,
# so a URL's <personemail_id> names one model.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_contact_details_consent_merges"),
    ]

    operations = [
        migrations.RenameModel(old_name="EmailAddress", new_name="PersonEmail"),
        migrations.RenameIndex(
            model_name="personemail",
            new_name="people_pers_office__b28136_idx",
            old_name="people_emai_office__73ff39_idx",
        ),
    ]
