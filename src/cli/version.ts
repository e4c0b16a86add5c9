/** latch's version, printed by --version and written into SARIF reports. */
export const version = '0.1.0';
