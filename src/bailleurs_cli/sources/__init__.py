"""Where landlords come from: the shipped registry, the Ville de Paris labels, and
the imports (SIRENE, QPV, DGFiP, spreadsheets).
"""
