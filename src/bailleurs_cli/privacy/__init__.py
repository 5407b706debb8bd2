"""Personal data: what is kept on a person, who is due for erasure, one rule of
anonymisation.
"""
