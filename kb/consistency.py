"""Placeholder replaced below."""
def check_consistency(articles, root):
    return []
