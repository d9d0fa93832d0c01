# Toolchain file for the freestanding Cortex-M build (Debian's gcc-arm-none-eabi + newlib).
# AMPSIM_CPU selects the core: cortex-m3 (default) or cortex-m4 (adds the FPU-less DSP extension).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy)
# The compiler cannot link a hosted test program; check it by building a static library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(AMPSIM_CPU cortex-m3 CACHE STRING "Cortex-M core to build for")
set(CMAKE_C_FLAGS_INIT "-mcpu=${AMPSIM_CPU} -mthumb -ffreestanding -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "-mcpu=${AMPSIM_CPU} -mthumb")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-mcpu=${AMPSIM_CPU} -mthumb -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
