"""Peers: peer groups, peer data (benchmark files, the demo set) and the stored scores they are compared by.
Front door: `peers.service`; `peers.scores` stores scores (also when an assessment is made final)."""
