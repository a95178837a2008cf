// Trump's quotes.
MATCH (:Person {name: 'Donald Trump'})-[:SAID]->(q:Quote)
RETURN q.text AS quote
ORDER BY quote
