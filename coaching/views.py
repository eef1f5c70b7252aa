from django.shortcuts import render

from accounts import permissions
from courses import selectors as course_selectors


@permissions.require(permissions.can_grade)
def queue(request):
    cohorts = course_selectors.cohort_list(user=request.user)
    return render(request, "coaching/queue.html", {"cohorts": cohorts})
