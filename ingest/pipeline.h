// Ingest pipeline front door: text -> sentences -> entities -> relations and
// quotes -> store. (Being built.)
#pragma once

namespace kg::ingest {}
