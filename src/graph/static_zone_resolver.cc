#include "graph/static_zone_resolver.h"
