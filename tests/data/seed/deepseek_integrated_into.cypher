// Everything DeepSeek is integrated into.
MATCH (host)-[:INTEGRATES]->(:Organization {name: 'DeepSeek'})
RETURN host.name AS host, labels(host) AS labels
ORDER BY host
