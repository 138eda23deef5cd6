"""The `leanclip` command and its library: replay, simulation, plotting, serial tools."""
