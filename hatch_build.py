"""Build hook: compile the gettext catalogs (locales/*.po) into the wheel as bot/locales/*.mo."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        # Editable installs read the catalogs from the source tree (see bot/text/i18n.py);
        # compile them in place so `pip install -e .` alone gives a working bot.
        if version == "editable":
            out_root = root / "locales"
        else:
            self._scratch = tempfile.TemporaryDirectory(prefix="partnerbot-mo-")
            out_root = Path(self._scratch.name)
        for po_path in sorted((root / "locales").glob("*/LC_MESSAGES/messages.po")):
            lang = po_path.parent.parent.name
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=lang)
            mo_path = out_root / lang / "LC_MESSAGES" / "messages.mo"
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
            if version != "editable":
                build_data["force_include"][str(mo_path)] = (
                    f"bot/locales/{lang}/LC_MESSAGES/messages.mo"
                )

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:  # the wheel holds the catalogs now
            scratch.cleanup()
