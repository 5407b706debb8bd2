"""The follow-up: landlords, people, exchanges, the pipeline and what to do next,
conventions as records, workshops, allies.
"""
