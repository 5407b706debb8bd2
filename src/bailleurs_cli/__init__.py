"""bailleurs: prospection et suivi des partenariats avec les bailleurs sociaux d'Île-de-France."""

__version__ = "0.1.0"
