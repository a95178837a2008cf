// Query engine front door: lexer -> parser -> planner -> executor. (Being built.)
#pragma once

namespace kg::queries {}
