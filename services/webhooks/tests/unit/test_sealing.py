"""Signing secrets at rest: sealed with the first key, opened with any listed, a key file made once."""

import stat

import pytest

from portal_webhooks.adapters.sealing import SealingError, SecretBox, new_key, secret_box


def test_a_sealed_secret_is_not_readable_and_opens_again():
    box = SecretBox([new_key()])
    sealed = box.seal("whsec_abc")
    assert "whsec_abc" not in sealed and box.open(sealed) == "whsec_abc"


def test_while_changing_keys_the_new_one_seals_and_both_open():
    old, new = new_key(), new_key()
    sealed_before = SecretBox([old]).seal("whsec_old")
    both = secret_box(f"{new},{old}", "", "/nonexistent")
    assert both.open(sealed_before) == "whsec_old"
    assert SecretBox([new]).open(both.seal("whsec_new")) == "whsec_new"
    with pytest.raises(SealingError):
        SecretBox([new]).open(sealed_before)


def test_without_a_key_one_is_made_once_in_the_data_dir(tmp_path):
    first = secret_box("", "", str(tmp_path))
    key_file = tmp_path / "webhooks.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert secret_box("", "", str(tmp_path)).open(first.seal("whsec_x")) == "whsec_x"


def test_a_named_key_file_must_exist(tmp_path):
    with pytest.raises(SealingError):
        secret_box("", str(tmp_path / "missing.key"), str(tmp_path))
