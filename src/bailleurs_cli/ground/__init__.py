"""The ground: reference data on communes, town halls and QPV, and the priority of
landlords on the association's territories.
"""
