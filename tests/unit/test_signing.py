"""The installation's Ed25519 signing key: created once, private, stable, and it really signs."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.signing import (
    SigningKeyError,
    key_path,
    load_or_create_signer,
    load_signer,
    verify_signature,
    write_key_file_once,
)


def test_the_key_is_created_once_private_and_reloaded_the_same(tmp_path):
    assert load_signer(tmp_path) is None
    first = load_or_create_signer(tmp_path)
    path = key_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = load_or_create_signer(tmp_path)
    assert again.key_id == first.key_id
    assert again.public_key_pem() == first.public_key_pem()
    assert len(first.key_id) == 16


def test_a_signature_verifies_and_any_change_fails(tmp_path):
    signer = load_or_create_signer(tmp_path)
    data = b'{"head":"ab12","count":7}'
    signature = signer.sign(data)
    assert len(signature) == 64
    assert verify_signature(signer.public_key_pem(), data, signature)
    assert not verify_signature(signer.public_key_pem(), data + b" ", signature)
    tampered = bytes([signature[0] ^ 1]) + signature[1:]
    assert not verify_signature(signer.public_key_pem(), data, tampered)
    assert not verify_signature(signer.public_key_pem(), data, b"short")
    other = load_or_create_signer(tmp_path / "elsewhere")
    assert not verify_signature(other.public_key_pem(), data, signature)


def test_processes_starting_at_once_share_one_key(tmp_path):
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(lambda _: load_or_create_signer(tmp_path).key_id, range(16)))
    assert len(ids) == 1
    assert [p.name for p in key_path(tmp_path).parent.iterdir()] == [key_path(tmp_path).name]


def test_a_key_file_is_written_once_private_and_never_replaced(tmp_path):
    """The one writer of `<home>/keys/` (signing key, age identity): 0600 in 0700, and a file
    already there is kept, with no temporary file left behind."""
    path = tmp_path / "keys" / "some-key.txt"
    write_key_file_once(path, b"first")
    assert path.read_bytes() == b"first"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    write_key_file_once(path, b"second")
    assert path.read_bytes() == b"first"
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_an_unusable_key_file_is_a_clear_error_without_key_material(tmp_path):
    path = key_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("not a key")
    with pytest.raises(SigningKeyError, match="cannot be read") as caught:
        load_or_create_signer(tmp_path)
    assert "not a key" not in str(caught.value)


def test_a_public_key_that_is_not_ed25519_is_refused():
    with pytest.raises(ValueError):
        verify_signature(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", b"", b"")


def test_the_command_prints_the_public_key_and_writes_it(tmp_path):
    out = tmp_path / "public.pem"
    result = CliRunner().invoke(
        app, ["--home", str(tmp_path / "home"), "signing-key", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    signer = load_signer(tmp_path / "home")
    assert signer is not None
    assert f"key id: {signer.key_id}" in result.output
    assert "PRIVATE" not in result.output
    assert out.read_bytes() == signer.public_key_pem()
