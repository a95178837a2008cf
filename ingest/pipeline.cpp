// Ingest pipeline (being built).
#include "ingest/pipeline.h"
