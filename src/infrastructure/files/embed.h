// Files built into the binary: AGENTD_EMBED(name, "path") defines `std::string_view name()`
// in an anonymous namespace, returning the file's bytes as the build found them.
#pragma once

#include <cstddef>
#include <string_view>

// The assembler copies each file into the binary (.incbin): no generated source to compile, no
// file to install beside the binary. The build passes the paths (src/CMakeLists.txt) and
// rebuilds the embedding file when one of the files changes.
#define AGENTD_EMBED(symbol, path)                                                                \
  asm(".pushsection .rodata\n"                                                                    \
      ".global agentd_embedded_" #symbol                                                          \
      "\n"                                                                                        \
      ".hidden agentd_embedded_" #symbol                                                          \
      "\n"                                                                                        \
      "agentd_embedded_" #symbol                                                                  \
      ":\n"                                                                                       \
      ".incbin \"" path                                                                           \
      "\"\n"                                                                                      \
      ".global agentd_embedded_" #symbol                                                          \
      "_end\n"                                                                                    \
      ".hidden agentd_embedded_" #symbol                                                          \
      "_end\n"                                                                                    \
      "agentd_embedded_" #symbol                                                                  \
      "_end:\n"                                                                                   \
      ".popsection\n");                                                                           \
  extern "C" const char agentd_embedded_##symbol[];                                               \
  extern "C" const char agentd_embedded_##symbol##_end[];                                         \
  namespace {                                                                                     \
  std::string_view symbol() {                                                                     \
    return {agentd_embedded_##symbol,                                                             \
            static_cast<std::size_t>(agentd_embedded_##symbol##_end - agentd_embedded_##symbol)}; \
  }                                                                                               \
  }
