#ifndef TICKETWATCH_CCURLSHIM_H
#define TICKETWATCH_CCURLSHIM_H

#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, and Swift cannot call C variadic functions. Each
// function here fixes one argument type, so the compiler checks what Swift passes for each kind of option.
// Which option takes which type is libcurl's documentation's business; the Swift EasyHandle uses each
// wrapper only for options of its type.

/// Options taking a `long` (timeouts, flags, CURLOPT_POSTFIELDSIZE).
CURLcode CCurlShim_setopt_long(CURL *handle, CURLoption option, long value);

/// Options taking a `curl_off_t` (CURLOPT_POSTFIELDSIZE_LARGE).
CURLcode CCurlShim_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);

/// Options taking a C string or a byte pointer (CURLOPT_PROTOCOLS_STR, CURLOPT_COPYPOSTFIELDS,
/// CURLOPT_ERRORBUFFER, CURLOPT_WRITEDATA); NULL resets most of them.
CURLcode CCurlShim_setopt_pointer(CURL *handle, CURLoption option, void *value);

/// Options taking a header or string list (CURLOPT_HTTPHEADER, CURLOPT_CONNECT_TO).
CURLcode CCurlShim_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

/// Options taking a parsed URL handle (CURLOPT_CURLU).
CURLcode CCurlShim_setopt_url(CURL *handle, CURLoption option, CURLU *value);

/// Options taking a data callback (CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION share one signature).
CURLcode CCurlShim_setopt_data_callback(CURL *handle, CURLoption option, curl_write_callback value);

/// Information returned as a `long` (CURLINFO_RESPONSE_CODE, CURLINFO_OS_ERRNO).
CURLcode CCurlShim_getinfo_long(CURL *handle, CURLINFO info, long *value);

/// Information returned as a `curl_off_t` (CURLINFO_TOTAL_TIME_T, in microseconds).
CURLcode CCurlShim_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);

#endif
