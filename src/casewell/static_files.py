"""Static files, served by the application itself (WhiteNoise).

Casewell serves them straight from the packages they come in (the finders), so
each WhiteNoise middleware first lists and reads the headers of every one of
them: about half a second. A server builds its middleware once; but every test
client builds its own, which made that listing a good part of the test suite's
time. Here it is done once for each process, the files found shared by every
middleware the process builds (they do not change while it runs: with
``WHITENOISE_AUTOREFRESH``, on in DEBUG, WhiteNoise looks each up as asked).
"""

from __future__ import annotations

from typing import Any, ClassVar

from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    _from_finders: ClassVar[dict[str, Any] | None] = None

    def add_files_from_finders(self) -> None:
        found = StaticFilesMiddleware._from_finders
        if found is not None:
            self.files.update(found)
            return
        before = dict(self.files)
        super().add_files_from_finders()
        StaticFilesMiddleware._from_finders = {
            url: file for url, file in self.files.items() if before.get(url) is not file
        }
