// Query engine (being built).
#include "queries/engine.h"
