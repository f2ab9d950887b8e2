"""What the editors' tests share: editing a copy of a project file as an editor would."""


def edit(path, old, new):
    """Replace the first ``old`` in the file by ``new``; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
