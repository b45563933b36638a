import pandas as pd
import pytest

from stance.io import write_table


def test_write_table_is_atomic_on_failure(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("old\n", encoding="utf-8")

    class Exploding(pd.DataFrame):
        def map(self, *args, **kwargs):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_table(Exploding({"a": [1]}), path)
    assert path.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [path]


def test_write_table_joins_lists_in_csv_and_keeps_them_in_jsonl(tmp_path):
    frame = pd.DataFrame({"topics": [["military_aid", "reconstruction"], []]})
    write_table(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "topics\nmilitary_aid;reconstruction\n\"\"\n"
    write_table(frame, tmp_path / "t.jsonl")
    assert (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()[0] == '{"topics": ["military_aid", "reconstruction"]}'


def test_atomic_output_gets_the_usual_permissions(tmp_path):
    import os
    import stat

    from stance.io import write_text

    path = write_text("x\n", tmp_path / "out.txt")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_a_table_written_in_no_parts_is_still_a_valid_empty_table(tmp_path):
    from stance.io import table_writer

    with table_writer(tmp_path / "t.parquet", "parquet"):
        pass
    assert pd.read_parquet(tmp_path / "t.parquet").shape == (0, 0)


def test_an_output_path_that_is_a_folder_is_refused_and_left_alone(tmp_path):
    from stance.errors import StanceInputError

    folder = tmp_path / "out.csv"
    folder.mkdir()
    with pytest.raises(StanceInputError, match="is a folder; expected an output file"):
        write_table(pd.DataFrame({"a": [1]}), folder)
    assert folder.is_dir() and list(tmp_path.iterdir()) == [folder]
