"""Uploads that must never reach the user as a traceback: broken or hostile weights archives,
config files and CSV files get one clear message and leave the run unchanged; CSV values whose
range cannot be scaled are refused; an exported script never holds a bare nan or inf."""

from __future__ import annotations

import contextlib
import io
import json
import re
import struct
import zipfile

import numpy as np
import pytest
from apptest_helpers import open_playground, run, shown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import export
from playground.config import Config, ConfigError
from playground.export.codegen_common import num
from playground.export.codegen_data import array_literal
from playground.network import build_model
from playground.training import Trainer
from playground.uploads import DataError, load_csv

CONFIG = Config.from_query({"layers": "3relu-bn", "features": "x1,x2,x1sq"})


@pytest.fixture(scope="module")
def model():
    return build_model(CONFIG)


def npz(arrays: dict, compressed: bool = False) -> bytes:
    """An .npz archive of `arrays` (name -> ndarray, or name -> raw member bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED) as archive:
        for name, value in arrays.items():
            if isinstance(value, bytes):
                archive.writestr(name, value)
            else:
                member = io.BytesIO()
                np.save(member, value)
                archive.writestr(name if "." in name else f"{name}.npy", member.getvalue())
    return buffer.getvalue()


def valid_weights(model) -> dict:
    return {f"w{i:03d}": w for i, w in enumerate(model.get_weights())}


def npy_header(shape, descr: str = "<f8") -> bytes:
    """An .npy header claiming `shape` and `descr`, followed by 16 bytes only."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue() + b"\0" * 16


def patch_headers(data: bytes, *, flags: int | None = None, method: int | None = None) -> bytes:
    """`data` with every member's general-purpose flags and/or compression method rewritten in
    both its local and its central-directory header."""
    data = bytearray(data)
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        for match in re.finditer(re.escape(signature), bytes(data)):
            if flags is not None:
                data[match.start() + flag_at:match.start() + flag_at + 2] = struct.pack("<H", flags)
            if method is not None:
                data[match.start() + method_at:match.start() + method_at + 2] = struct.pack("<H", method)
    return bytes(data)


def corrupt_first_member(data: bytes) -> bytes:
    """`data` with one byte of the first (stored) member's array data changed: a bad CRC."""
    data = bytearray(data)
    position = data.index(b"PK\x03\x04")
    name_length, extra_length = struct.unpack("<HH", data[position + 26:position + 30])
    data[position + 30 + name_length + extra_length + 130] ^= 0xFF  # past the 128-byte .npy header
    return bytes(data)


def bad_weights(model) -> dict[str, bytes]:
    """Name -> the bytes of an upload that is not a usable weights file for `model`."""
    good = valid_weights(model)
    first = {**good}
    del first["w000"]
    return {
        "non_npy_member": npz({**good, "notes.txt": b"hello"}),
        "only_a_text_member": npz({"w000.txt": b"hello"}),
        "bad_crc": corrupt_first_member(npz(good)),
        "encrypted": patch_headers(npz(good), flags=0x1),
        "unknown_method": patch_headers(npz(good), method=99),
        "bzip2_member": patch_headers(npz(good), method=12),
        "huge_shape": npz({"w000.npy": npy_header((10**10,)), **first}),
        "huge_2d_shape": npz({"w000.npy": npy_header((10**6, 10**6)), **first}),
        "overflowing_shape": npz({"w000.npy": npy_header((2**62, 2**62)), **first}),
        "wrong_shape_in_header": npz({"w000.npy": npy_header((3, 3)), **first}),
        "text_dtype_in_header": npz({"w000.npy": npy_header(good["w000"].shape, "<U8"), **first}),
        "truncated_member": npz({"w000.npy": npy_header(good["w000"].shape), **first}),
        "not_npy_magic": npz({"w000.npy": b"\x93NUMPX" + b"\0" * 200, **first}),
        "many_members": npz({f"m{i:05d}.npy": b"" for i in range(5000)}),
        "truncated_archive": npz(good)[:-40],
        "deflate_garbage": patch_headers(npz(good), method=8),
    }


@pytest.mark.parametrize("case", list(bad_weights(build_model(CONFIG))))
def test_a_bad_weights_file_raises_one_clear_value_error_and_leaves_the_model_unchanged(model, case):
    data = bad_weights(model)[case]
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError) as caught:
        export.load_weights_npz(model, data)
    message = str(caught.value)
    assert message and "\n" not in message and "Traceback" not in message
    for a, b in zip(model.get_weights(), before, strict=True):
        assert np.array_equal(a, b)


def test_the_shape_in_an_npy_header_is_checked_before_anything_is_read(model):
    first = {**valid_weights(model)}
    del first["w000"]
    with pytest.raises(ValueError, match=r"w000 should have shape \(3, 3\)\. Received: shape=\(10000000000,\)"):
        export.load_weights_npz(model, npz({"w000.npy": npy_header((10**10,)), **first}))


def test_valid_weights_still_load_stored_or_compressed(model):
    target = build_model(CONFIG.replace(seed=CONFIG.data.seed + 1))
    for compressed in (False, True):
        export.load_weights_npz(target, npz(valid_weights(model), compressed=compressed))
        for a, b in zip(target.get_weights(), model.get_weights(), strict=True):
            assert np.array_equal(a, b)
    fortran = {name: np.asfortranarray(w) for name, w in valid_weights(model).items()}
    little = {name: w.astype(">f4") for name, w in valid_weights(model).items()}
    for arrays in (fortran, little):
        export.load_weights_npz(target, npz(arrays))
        for a, b in zip(target.get_weights(), arrays.values(), strict=True):
            assert np.array_equal(a, b.astype(np.float64))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_byte_changed_in_a_weights_file_gives_value_error_or_loads(data):
    model = build_model(CONFIG)
    valid = bytearray(npz(valid_weights(model), compressed=data.draw(st.booleans())))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(valid) - 1))
        valid[position] = data.draw(st.integers(0, 255))
    with contextlib.suppress(ValueError):  # anything else fails the test
        export.load_weights_npz(model, bytes(valid))


# ---------------------------------------------------------------------------------------------
# Config JSON

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                         max_size=4),
                           max_leaves=20)
SECTION_KEYS = {section: list(values) for section, values in CONFIG.to_dict().items()}


@st.composite
def config_like(draw):
    """A config dict with some fields replaced by arbitrary JSON values."""
    config = json.loads(export.config_json(CONFIG))
    for _ in range(draw(st.integers(1, 4))):
        section = draw(st.sampled_from(list(SECTION_KEYS)))
        if draw(st.booleans()) and isinstance(config[section], dict):
            config[section][draw(st.sampled_from(SECTION_KEYS[section]))] = draw(json_values)
        else:
            config[section] = draw(json_values)
    return config


@settings(max_examples=200, deadline=None)
@given(config=config_like())
def test_a_config_file_with_any_json_values_gives_config_error_or_a_config(config):
    try:
        loaded = export.load_config_json(json.dumps(config).encode())
    except ConfigError as error:
        assert str(error)
    else:
        assert isinstance(loaded, Config)


@pytest.mark.parametrize("text", ['{"data": {"n_samples": ' + "9" * 5000 + "}}", "[" * 100_000 + "]" * 100_000,
                                  '{"data": {"n_samples": 1e999}}', '{"network": {"hidden": [{"units": -1e308}]}}'])
def test_hostile_config_files_give_config_error(text):
    with pytest.raises(ConfigError):
        export.load_config_json(text.encode())


# ---------------------------------------------------------------------------------------------
# CSV


def csv_with(first_column: list[str], header: str = "a,b,label") -> bytes:
    rows = [f"{value},{i % 7},{'xy'[i % 2]}" for i, value in enumerate(first_column)]
    return (header + "\n" + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("values", [
    ["1e308", "-1e308"] + ["0"] * 28,          # max - min overflows to inf
    ["1.7e308", "-1e308"] + ["5"] * 28,
    ["4e-320", "0"] * 15,                       # a subnormal range: 11 / range overflows
    ["1e-310", "3e-310"] * 15,
])
def test_a_column_whose_range_cannot_be_scaled_is_refused_naming_the_column(values):
    with pytest.raises(DataError, match="'a'"):
        load_csv(csv_with(values))


def test_a_regression_target_whose_range_overflows_is_refused_naming_the_column():
    rows = [f"{i % 5},{i % 3},{value}" for i, value in enumerate(["1e308", "-1e308"] + [f"{k}.5" for k in range(40)])]
    with pytest.raises(DataError, match="'price'"):
        load_csv(("x,y,price\n" + "\n".join(rows)).encode())


def test_wide_but_scalable_ranges_still_load():
    data = load_csv(csv_with(["1e300", "-1e300"] + ["1e-300"] * 28))
    assert np.all(np.isfinite(data.X)) and data.X[:, 0].min() == -5.5 and data.X[:, 0].max() == 5.5


def test_a_quoted_header_cell_with_a_newline_is_one_column_name():
    data = load_csv(csv_with([str(i) for i in range(30)], header='"length\n(cm)",b,label'))
    assert data.column_names == ("length\n(cm)", "b", "label")
    assert len(data.y) == 30


def test_a_semicolon_file_with_a_quoted_newline_in_its_header():
    rows = "\n".join(f"{i};{i % 3};{'pq'[i % 2]}" for i in range(25))
    data = load_csv(('"a;\nb";"c";"d"\n' + rows).encode())
    assert data.column_names == ("a;\nb", "c", "d") and len(data.y) == 25


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list('0123456789.,;\t"\n\r-+eE xyinfNa\\\'')), max_size=400))
def test_csv_like_text_gives_data_error_or_finite_data(text):
    try:
        data = load_csv(text.encode())
    except DataError as error:
        assert str(error)
    else:
        assert np.all(np.isfinite(data.X)) and np.all(np.isfinite(data.y))


# ---------------------------------------------------------------------------------------------
# Exported scripts


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), np.float64("nan")])
def test_a_non_finite_number_is_never_written_into_a_script(value):
    with pytest.raises(ValueError, match="finite"):
        num(value)
    with pytest.raises(ValueError, match="finite"):
        array_literal("X_train", np.array([[1.0, value]]))


def test_a_run_whose_data_is_not_finite_gets_no_script():
    trainer = Trainer(CONFIG)
    trainer.data.F_train[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        export.script("playground", CONFIG, 10, data=trainer.data)


def test_scripts_of_valid_runs_hold_no_bare_nan_or_inf():
    trainer = Trainer(CONFIG)
    for framework in ("keras", "pytorch", "playground"):
        source = export.script(framework, CONFIG, 10, data=trainer.data)
        assert not re.search(r"(?<![\w\"'])(nan|inf)(?![\w\"'])", source), framework


# ---------------------------------------------------------------------------------------------
# On the page: one message, no traceback, the run unchanged


def test_every_bad_weights_upload_on_the_page_gives_one_message_and_leaves_the_run():
    at = open_playground({"samples": "100", "grid": "50", "layers": "3relu-bn", "features": "x1,x2,x1sq"}, steps=2)
    session = at.session_state["playground_session"]
    trainer, epoch = session.trainer, session.trainer.epoch
    before = [w.copy() for w in trainer.model.get_weights()]
    for case, content in bad_weights(trainer.model).items():
        at.file_uploader(key="up_weights").set_value((f"{case}.npz", content, "application/octet-stream"))
        run(at)
        errors = [shown(e.value) for e in at.error]
        assert len(errors) == 1 and "nothing changed" in errors[0], (case, errors)
        assert session.trainer is trainer and trainer.epoch == epoch, case
        for a, b in zip(trainer.model.get_weights(), before, strict=True):
            assert np.array_equal(a, b), case
