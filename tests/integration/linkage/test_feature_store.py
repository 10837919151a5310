"""The feature table read from the store carries the listing's groups (SYNTHETIC rows)."""

from __future__ import annotations

from kintrace.linkage.feature_cache import registry_features
from kintrace.store.engine import Store

from .synthetic import insert_rows


def test_registry_features_carry_a_derived_group_key(store: Store) -> None:
    row = {"given_name": "Олена", "family_name": "Ковальова", "sex": "F", "birth_date": "2012"}
    insert_rows(
        store,
        [
            {**row, "source": "listing", "record_id": "1", "group_id": "Семья-00012"},
            {**row, "source": "listing", "record_id": "2", "group_id": "Семья-00012"},
            {**row, "source": "other", "record_id": "3", "group_id": "Семья-00012"},
            {**row, "source": "listing", "record_id": "4"},
        ],
    )
    with store.session() as session:
        keys, features = registry_features(session, cache=None, use_cache=False)
    group = dict(zip(keys["record_id"], features["group_key"], strict=True))
    assert group["1"] is not None
    assert group["1"] == group["2"]  # one group of one source
    assert group["3"] != group["1"]  # the same number in another source is another group
    assert group["4"] is None
    assert "Семья" not in str(group["1"])  # a derived key, not the value as written
