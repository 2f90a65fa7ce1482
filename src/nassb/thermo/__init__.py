"""Offline thermodynamics: reference energies, phase stability, electrochemical window, interface reactions, hydrolysis."""
