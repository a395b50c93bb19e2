# Digits of pi, one per line, by the Rabinowitz-Wagon spigot: a long computation whose progress
# shows in its output ("digit 1234: 5"), so a restored job visibly goes on from where it was.
# busybox awk -v n=DIGITS -f pi.awk
function emit(d) {
  count++
  printf "digit %d: %d\n", count, d
  fflush()
}
BEGIN {
  if (!n) n = 100000
  len = int(10 * n / 3) + 1
  for (j = 1; j <= len; j++) a[j] = 2
  nines = 0
  predigit = 0
  for (j = 1; j <= n; j++) {
    q = 0
    for (i = len; i >= 1; i--) {
      x = 10 * a[i] + q * i
      a[i] = x % (2 * i - 1)
      q = int(x / (2 * i - 1))
    }
    a[1] = q % 10
    q = int(q / 10)
    if (q == 9) {
      nines++
    } else if (q == 10) {
      emit(predigit + 1)
      for (k = 0; k < nines; k++) emit(0)
      predigit = 0
      nines = 0
    } else {
      if (j > 1) emit(predigit)
      predigit = q
      for (k = 0; k < nines; k++) emit(9)
      nines = 0
    }
  }
  emit(predigit)
}
