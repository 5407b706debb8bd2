"""Documents that reach landlords: letters, conventions, bilans, invitations, from
Word-editable templates.
"""
