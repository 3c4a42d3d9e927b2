"""Your own data: CSV parsing, task detection, scaling, and one clear message for every bad file."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.uploads import FEATURE_SPAN, MAX_ROWS, DataError, drawn_data, load_csv


def csv_text(rows, header="a,b,label", delimiter=","):
    lines = ([header] if header else []) + [delimiter.join(map(str, row)) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def sample_rows(n=40, labels=("red", "blue")):
    rng = np.random.default_rng(0)
    return [(round(float(x), 4), round(float(y), 4), labels[i % len(labels)])
            for i, (x, y) in enumerate(rng.normal(10, 3, (n, 2)))]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("header", ["a,b,label", None])
def test_class_names_with_any_delimiter_and_optional_header(delimiter, header):
    header = header.replace(",", delimiter) if header else None
    data = load_csv(csv_text(sample_rows(), header, delimiter))
    assert data.task == "classification" and data.class_names == ("blue", "red")
    assert data.X.shape == (40, 2) and set(data.y.tolist()) == {0, 1}
    assert data.column_names == (("a", "b", "label") if header else ("x1", "x2", "label"))


def test_features_are_rescaled_into_the_plot_and_the_scaling_is_reported():
    rows = [(x, 100 - x, x % 2) for x in range(0, 40)]
    data = load_csv(csv_text(rows))
    assert data.X[:, 0].min() == FEATURE_SPAN[0] and data.X[:, 0].max() == FEATURE_SPAN[1]
    assert data.X[0, 1] == FEATURE_SPAN[1]  # 100 is the largest b
    assert data.scaling[0] == "a: [0, 39] -> [-5.5, 5.5]"
    assert data.class_names == ("0", "1")


def test_a_numeric_target_with_many_values_is_regression_scaled_to_unit_range():
    rows = [(x, x / 2, 3.5 * x - 1) for x in range(30)]
    data = load_csv(csv_text(rows))
    assert data.task == "regression" and data.y.min() == -1.0 and data.y.max() == 1.0
    assert data.scaling[2] == "label: [-1, 100.5] -> [-1, 1]"


def test_drawn_points_round_trip_through_csv():
    points = [(float(i % 7) - 3, float(i % 5) - 2, i % 3) for i in range(30)]
    data = drawn_data(points, ("A", "B", "C"))
    again = load_csv(data.to_csv())
    assert again.class_names == ("A", "B", "C")
    assert np.array_equal(again.y, data.y)


def test_drawn_classes_nobody_used_are_left_out():
    points = [(float(i), float(i % 4), 1 if i % 2 else 4) for i in range(20)]
    data = drawn_data(points, ("a", "b", "c", "d", "e", "f"))
    assert data.class_names == ("b", "e") and data.n_classes == 2
    assert list(data.y[:4]) == [1, 0, 1, 0]


BAD_FILES = {
    "empty": (b"", "empty"),
    "binary": (bytes(range(256)) * 10, "not a text file"),
    "latin-1": (("x,y,label\n" + "1,2,caf\xe9\n" * 30).encode("latin-1"), "not UTF-8"),
    "one column": (b"1\n2\n3\n" * 10, "single column"),
    "four columns": (b"1,2,3,4\n" * 30, "Expected exactly 3"),
    "text features": (csv_text([("x", 1, "a")] * 30, header=None), "is not a number"),
    "nan feature": (csv_text([("nan", 1, i % 2) for i in range(30)]), "must be finite"),
    "inf target": (csv_text([(i, 1, "inf") for i in range(30)]), "NaN or infinite"),
    "one class": (csv_text([(i, i, "same") for i in range(30)]), "one class only"),
    "eleven classes": (csv_text([(i, i, f"c{i % 11}") for i in range(33)]), "11 classes"),
    "too many rows": (csv_text([(i, i, i % 2) for i in range(MAX_ROWS + 1)]), "at most 5,000"),
    "too few rows": (csv_text([(i, i, i % 2) for i in range(5)]), "at least 20"),
    "duplicated header": (csv_text(sample_rows(), header="a,a,label"), "repeats a column name"),
    "ragged": (csv_text(sample_rows()) + b"1,2\n", "Row 42 has 2 cells"),
    "too large": (b"1,2,3\n" * 400_000, "at most 2 MB"),
    "empty label": (csv_text([(i, i, "" if i == 3 else "a") for i in range(30)]), "empty cells"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_get_one_clear_message(name):
    data, message = BAD_FILES[name]
    with pytest.raises(DataError, match=message):
        load_csv(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_raise_anything_but_data_error(data):
    try:
        result = load_csv(data)
    except DataError as error:
        assert str(error)
    else:
        assert np.all(np.isfinite(result.X)) and len(result.y) >= 20


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(allow_nan=True, allow_infinity=True), st.floats(), st.sampled_from("abc")),
                min_size=0, max_size=60))
def test_random_tables_never_raise_anything_but_data_error(rows):
    try:
        result = load_csv(csv_text(rows))
    except DataError:
        return
    assert np.all(np.isfinite(result.X))
    assert result.X.min() >= FEATURE_SPAN[0] and result.X.max() <= FEATURE_SPAN[1]
