"""Land-cover extraction engines (spectral priors, networks) and their explanation."""
