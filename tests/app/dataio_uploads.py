"""Posting files to the import pages as a browser does, with the uploads kept in a temporary folder."""
from __future__ import annotations

import io
import re

import pytest


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    """Uploads waiting for confirmation go to a temporary folder, not the instance folder."""
    folder = tmp_path / "uploads"
    app.config["DATAIO_UPLOAD_FOLDER"] = str(folder)
    return folder


def upload(client, kind, body: bytes, filename: str):
    return client.post(f"/gegevens/{kind}/voorbeeld", data={"file": (io.BytesIO(body), filename)},
                       content_type="multipart/form-data")


def token_of(page: str) -> str:
    """The upload's server-side name, from the confirm form's hidden field."""
    return re.search(r'name="upload" type="hidden" value="([0-9a-f]{32})"', page).group(1)
