"""`specgen diff`: two specs normalized to IRs and compared (`compare`), each change named by a rule
(`rules`)."""
