# test programs: owned by the tests room
