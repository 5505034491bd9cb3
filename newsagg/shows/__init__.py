"""Shows: the TV catalogue (catalogue, merge, store), linking articles to it (matcher, cues,
linker; HTML input is read by newsagg.normalize.text) and the per-show timeline (timeline).
Linking is plain Python; only store and timeline touch the database."""
