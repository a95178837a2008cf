// How is Gary Marcus connected to SoftBank?
MATCH (a {name: 'Gary Marcus'}), (b {name: 'SoftBank'})
MATCH p = shortestPath((a)-[*..6]-(b))
RETURN length(p) AS hops, [n IN nodes(p) | coalesce(n.name, n.text)] AS path
