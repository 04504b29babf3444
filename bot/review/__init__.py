"""The researcher's review of open answers: what each said with its themes, and storing recodings.

Kept apart from `bot.report`, which only reads and renders.
"""
