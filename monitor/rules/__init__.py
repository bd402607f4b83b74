"""Rules: the entity catalogue (``catalogue``), one-pass matching (``matcher``), country
salience (``salience``) and rule evaluation with evidence (``engine``). All pure."""
