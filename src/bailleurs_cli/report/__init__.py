"""Seeing the whole: the activity report (HTML, Markdown, JSON) and the export."""
