"""Electrochemical measurements: instrument readers, impedance (circuits, fitting, Kramers-Kronig, DRT,
physical assignment), temperature series and DC methods."""
