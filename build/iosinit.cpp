// Provides std::ios_base_library_init() (a GCC 13 symbol, GLIBCXX_3.4.32) for Debian 12's libstdc++ 12, so that
// TorchSharp's libLibTorchSharp.so loads. See Directory.Build.targets and docs/training.md.
#include <ios>
namespace std { __attribute__((visibility("default"))) void ios_base_library_init() { static ios_base::Init init; } }
