"""`newsagg serve`: the read-only web view (see app.py)."""
