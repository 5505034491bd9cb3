"""Shows: the TV catalogue (catalogue, merge, store), linking articles to it (matcher, cues,
linker, htmltext) and the per-show timeline (timeline). Linking is plain Python; only store
and timeline touch the database."""
