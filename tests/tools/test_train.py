from tools.train import fingerprint


def make_project(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "greet.yml").write_text("nlu: []\n")
    (tmp_path / "config.yml").write_text("language: pl\n")
    return tmp_path


def test_fingerprint_is_stable_when_nothing_changes(tmp_path):
    project = make_project(tmp_path)
    assert fingerprint(project) == fingerprint(project)


def test_fingerprint_changes_with_data_or_config(tmp_path):
    project = make_project(tmp_path)
    before = fingerprint(project)
    (project / "data" / "greet.yml").write_text("nlu: [x]\n")
    after_data = fingerprint(project)
    (project / "config.yml").write_text("language: en\n")
    assert len({before, after_data, fingerprint(project)}) == 3


def test_fingerprint_ignores_bytecode_caches(tmp_path):
    project = make_project(tmp_path)
    before = fingerprint(project)
    (project / "data" / "__pycache__").mkdir()
    (project / "data" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert fingerprint(project) == before
