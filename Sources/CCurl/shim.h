#ifndef TICKETWATCH_CCURL_SHIM_H
#define TICKETWATCH_CCURL_SHIM_H

// libcurl's C API for Swift. The variadic curl_easy_setopt/curl_easy_getinfo cannot be called from Swift:
// the typed wrappers for them are in the CCurlShim target.
#include <curl/curl.h>

#endif
