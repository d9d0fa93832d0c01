# ctest helper: run `ampsim firmware inspect FILE`, require exit status STATUS and REASON in the
# report (status 0) or on the first line of stderr (otherwise).
#   cmake -DAMPSIM=... -DFILE=... -DSTATUS=N -DREASON=text -P expect_inspect.cmake
execute_process(COMMAND ${AMPSIM} firmware inspect ${FILE}
	RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL STATUS)
	message(FATAL_ERROR "exit status ${rc}, expected ${STATUS}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(STATUS EQUAL 0)
	set(where "${out}")
else()
	string(REGEX REPLACE "\n.*" "" where "${err}")
endif()
string(FIND "${where}" "${REASON}" at)
if(at EQUAL -1)
	message(FATAL_ERROR "'${REASON}' not found in:\n${where}")
endif()
