"""Published figures: a fixed table set, disclosure control over the whole set, releases.

`tables` and `disclosure` are the pure core (no I/O); `release` writes and checks release files;
`service` reads the counts from the store.
"""
