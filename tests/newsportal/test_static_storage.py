"""Production's static storage (newsportal/static_storage.py) works a file's URL out once."""

import json

from newsportal.static_storage import ManifestStaticStorage


def storage_with_manifest(tmp_path, paths):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": paths, "version": "1.1", "hash": "x"})
    )
    return ManifestStaticStorage(location=tmp_path, base_url="/static/")


def test_a_file_s_url_is_the_hashed_one_and_is_worked_out_once(tmp_path):
    storage = storage_with_manifest(tmp_path, {"css/site.css": "css/site.0123abcd.css"})
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    storage.hashed_files["css/site.css"] = "css/site.ffff0000.css"  # never read again...
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    # ...except when asked to (collectstatic's own processing forces it).
    assert storage.url("css/site.css", force=True) == "/static/css/site.ffff0000.css"


def test_the_kept_urls_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr("newsportal.static_storage.KEPT_URLS", 2)
    names = [f"js/{n}.js" for n in range(5)]
    storage = storage_with_manifest(
        tmp_path, {name: name.replace(".js", ".1.js") for name in names}
    )
    assert [storage.url(name) for name in names] == [f"/static/js/{n}.1.js" for n in range(5)]
    assert len(storage._urls) == 2
