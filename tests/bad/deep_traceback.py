# 60 distinct frames deep, past the 8 KiB message: the head and the tail
# are kept with the number of bytes cut between them, and the last line,
# the exception, survives whole.
# e2e: verdict=error phase=run message=(?s)^Traceback .*\n\[\.\.\. \d+ bytes cut \.\.\.\]\n.*KeyError: 'the last line survives'\n$


def level_00_of_a_deep_call_chain_with_a_long_name():
    level_01_of_a_deep_call_chain_with_a_long_name()


def level_01_of_a_deep_call_chain_with_a_long_name():
    level_02_of_a_deep_call_chain_with_a_long_name()


def level_02_of_a_deep_call_chain_with_a_long_name():
    level_03_of_a_deep_call_chain_with_a_long_name()


def level_03_of_a_deep_call_chain_with_a_long_name():
    level_04_of_a_deep_call_chain_with_a_long_name()


def level_04_of_a_deep_call_chain_with_a_long_name():
    level_05_of_a_deep_call_chain_with_a_long_name()


def level_05_of_a_deep_call_chain_with_a_long_name():
    level_06_of_a_deep_call_chain_with_a_long_name()


def level_06_of_a_deep_call_chain_with_a_long_name():
    level_07_of_a_deep_call_chain_with_a_long_name()


def level_07_of_a_deep_call_chain_with_a_long_name():
    level_08_of_a_deep_call_chain_with_a_long_name()


def level_08_of_a_deep_call_chain_with_a_long_name():
    level_09_of_a_deep_call_chain_with_a_long_name()


def level_09_of_a_deep_call_chain_with_a_long_name():
    level_10_of_a_deep_call_chain_with_a_long_name()


def level_10_of_a_deep_call_chain_with_a_long_name():
    level_11_of_a_deep_call_chain_with_a_long_name()


def level_11_of_a_deep_call_chain_with_a_long_name():
    level_12_of_a_deep_call_chain_with_a_long_name()


def level_12_of_a_deep_call_chain_with_a_long_name():
    level_13_of_a_deep_call_chain_with_a_long_name()


def level_13_of_a_deep_call_chain_with_a_long_name():
    level_14_of_a_deep_call_chain_with_a_long_name()


def level_14_of_a_deep_call_chain_with_a_long_name():
    level_15_of_a_deep_call_chain_with_a_long_name()


def level_15_of_a_deep_call_chain_with_a_long_name():
    level_16_of_a_deep_call_chain_with_a_long_name()


def level_16_of_a_deep_call_chain_with_a_long_name():
    level_17_of_a_deep_call_chain_with_a_long_name()


def level_17_of_a_deep_call_chain_with_a_long_name():
    level_18_of_a_deep_call_chain_with_a_long_name()


def level_18_of_a_deep_call_chain_with_a_long_name():
    level_19_of_a_deep_call_chain_with_a_long_name()


def level_19_of_a_deep_call_chain_with_a_long_name():
    level_20_of_a_deep_call_chain_with_a_long_name()


def level_20_of_a_deep_call_chain_with_a_long_name():
    level_21_of_a_deep_call_chain_with_a_long_name()


def level_21_of_a_deep_call_chain_with_a_long_name():
    level_22_of_a_deep_call_chain_with_a_long_name()


def level_22_of_a_deep_call_chain_with_a_long_name():
    level_23_of_a_deep_call_chain_with_a_long_name()


def level_23_of_a_deep_call_chain_with_a_long_name():
    level_24_of_a_deep_call_chain_with_a_long_name()


def level_24_of_a_deep_call_chain_with_a_long_name():
    level_25_of_a_deep_call_chain_with_a_long_name()


def level_25_of_a_deep_call_chain_with_a_long_name():
    level_26_of_a_deep_call_chain_with_a_long_name()


def level_26_of_a_deep_call_chain_with_a_long_name():
    level_27_of_a_deep_call_chain_with_a_long_name()


def level_27_of_a_deep_call_chain_with_a_long_name():
    level_28_of_a_deep_call_chain_with_a_long_name()


def level_28_of_a_deep_call_chain_with_a_long_name():
    level_29_of_a_deep_call_chain_with_a_long_name()


def level_29_of_a_deep_call_chain_with_a_long_name():
    level_30_of_a_deep_call_chain_with_a_long_name()


def level_30_of_a_deep_call_chain_with_a_long_name():
    level_31_of_a_deep_call_chain_with_a_long_name()


def level_31_of_a_deep_call_chain_with_a_long_name():
    level_32_of_a_deep_call_chain_with_a_long_name()


def level_32_of_a_deep_call_chain_with_a_long_name():
    level_33_of_a_deep_call_chain_with_a_long_name()


def level_33_of_a_deep_call_chain_with_a_long_name():
    level_34_of_a_deep_call_chain_with_a_long_name()


def level_34_of_a_deep_call_chain_with_a_long_name():
    level_35_of_a_deep_call_chain_with_a_long_name()


def level_35_of_a_deep_call_chain_with_a_long_name():
    level_36_of_a_deep_call_chain_with_a_long_name()


def level_36_of_a_deep_call_chain_with_a_long_name():
    level_37_of_a_deep_call_chain_with_a_long_name()


def level_37_of_a_deep_call_chain_with_a_long_name():
    level_38_of_a_deep_call_chain_with_a_long_name()


def level_38_of_a_deep_call_chain_with_a_long_name():
    level_39_of_a_deep_call_chain_with_a_long_name()


def level_39_of_a_deep_call_chain_with_a_long_name():
    level_40_of_a_deep_call_chain_with_a_long_name()


def level_40_of_a_deep_call_chain_with_a_long_name():
    level_41_of_a_deep_call_chain_with_a_long_name()


def level_41_of_a_deep_call_chain_with_a_long_name():
    level_42_of_a_deep_call_chain_with_a_long_name()


def level_42_of_a_deep_call_chain_with_a_long_name():
    level_43_of_a_deep_call_chain_with_a_long_name()


def level_43_of_a_deep_call_chain_with_a_long_name():
    level_44_of_a_deep_call_chain_with_a_long_name()


def level_44_of_a_deep_call_chain_with_a_long_name():
    level_45_of_a_deep_call_chain_with_a_long_name()


def level_45_of_a_deep_call_chain_with_a_long_name():
    level_46_of_a_deep_call_chain_with_a_long_name()


def level_46_of_a_deep_call_chain_with_a_long_name():
    level_47_of_a_deep_call_chain_with_a_long_name()


def level_47_of_a_deep_call_chain_with_a_long_name():
    level_48_of_a_deep_call_chain_with_a_long_name()


def level_48_of_a_deep_call_chain_with_a_long_name():
    level_49_of_a_deep_call_chain_with_a_long_name()


def level_49_of_a_deep_call_chain_with_a_long_name():
    level_50_of_a_deep_call_chain_with_a_long_name()


def level_50_of_a_deep_call_chain_with_a_long_name():
    level_51_of_a_deep_call_chain_with_a_long_name()


def level_51_of_a_deep_call_chain_with_a_long_name():
    level_52_of_a_deep_call_chain_with_a_long_name()


def level_52_of_a_deep_call_chain_with_a_long_name():
    level_53_of_a_deep_call_chain_with_a_long_name()


def level_53_of_a_deep_call_chain_with_a_long_name():
    level_54_of_a_deep_call_chain_with_a_long_name()


def level_54_of_a_deep_call_chain_with_a_long_name():
    level_55_of_a_deep_call_chain_with_a_long_name()


def level_55_of_a_deep_call_chain_with_a_long_name():
    level_56_of_a_deep_call_chain_with_a_long_name()


def level_56_of_a_deep_call_chain_with_a_long_name():
    level_57_of_a_deep_call_chain_with_a_long_name()


def level_57_of_a_deep_call_chain_with_a_long_name():
    level_58_of_a_deep_call_chain_with_a_long_name()


def level_58_of_a_deep_call_chain_with_a_long_name():
    level_59_of_a_deep_call_chain_with_a_long_name()


def level_59_of_a_deep_call_chain_with_a_long_name():
    raise KeyError("the last line survives")


def run():
    level_00_of_a_deep_call_chain_with_a_long_name()
