"""Ion transport: Arrhenius and VTF fits of conductivity against temperature (and, later, diffusion from molecular
dynamics)."""
