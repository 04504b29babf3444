"""Bringing data collected elsewhere in: wide CSV files (our own, KoboToolbox, ODK) and XLSForm forms."""
