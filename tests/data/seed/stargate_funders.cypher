// Who funds Stargate, and how much?
MATCH (funder)-[f:FUNDS]->(:Project {name: 'Stargate'})
RETURN funder.name AS funder, f.amount_usd AS amount_usd
ORDER BY funder
